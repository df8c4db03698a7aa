/** Where fitmatch connects; `display` is the only form of it that is ever printed. */
export interface DbSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** mysql://user:***@host:port/db, rebuilt from the parts: never from the raw text. */
  display: string;
}
