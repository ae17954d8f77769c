// The engine's one logging hook: each face decides where messages go.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string) => void;

export const silentLog: Log = () => undefined;
