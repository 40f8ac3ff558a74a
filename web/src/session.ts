// Session storage: the key survives a reload of this tab and is gone when the tab closes. Never in a URL or cookie.
const KEY = "webhook-outbox.apiKey";

export const storedKey = (): string | null => sessionStorage.getItem(KEY);
export const storeKey = (key: string) => sessionStorage.setItem(KEY, key);
export const forgetKey = () => sessionStorage.removeItem(KEY);
