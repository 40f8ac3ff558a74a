import winston from "winston";

export type Logger = winston.Logger;

/** JSON lines on stdout. Callers pass ids (eventId, deliveryId, partnerId, attempt) as fields, never secrets. */
export function createLogger(level: string, silent = false): Logger {
  return winston.createLogger({
    level,
    silent,
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}
