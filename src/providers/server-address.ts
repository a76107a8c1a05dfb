/** `server.address` / `server.port` for telemetry, read from a base URL. */
export interface ServerAddress {
  readonly serverAddress: string | null;
  readonly serverPort: number | null;
}

/**
 * @example
 * serverAddressOf('http://127.0.0.1:8080/v1') // → { serverAddress: '127.0.0.1', serverPort: 8080 }
 * serverAddressOf('https://api.openai.com/v1') // → { serverAddress: 'api.openai.com', serverPort: 443 }
 */
export function serverAddressOf(baseUrl: string | null | undefined): ServerAddress {
  if (baseUrl === null || baseUrl === undefined || baseUrl === '') return { serverAddress: null, serverPort: null };
  try {
    const url = new URL(baseUrl);
    const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : null;
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    return { serverAddress: host, serverPort: port };
  } catch {
    return { serverAddress: null, serverPort: null };
  }
}
