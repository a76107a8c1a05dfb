/**
 * What signs Vertex AI requests: a google-auth-library `AuthClient` (both
 * Vertex SDKs call only `getRequestHeaders`), by default the one Google's
 * application-default credentials give (`GOOGLE_APPLICATION_CREDENTIALS`,
 * `gcloud auth application-default login`, the metadata server).
 */

/**
 * The part of a google-auth-library `AuthClient` the Vertex SDKs use: pass
 * any of its clients (`OAuth2Client`, `Impersonated`, `await new GoogleAuth().getClient()`).
 */
export interface GoogleAuthClient {
  /** Headers that authorise one request, `authorization: Bearer …` among them. */
  getRequestHeaders(url?: string | URL): Promise<Headers>;
  /** The project the credentials belong to, when known. */
  readonly projectId?: string | null | undefined;
}

/**
 * An auth client that always sends one fixed bearer token: for the
 * simulator (`apiKeyOverride`), which checks that a token arrives, not which.
 *
 * @example
 * const auth = fixedTokenAuthClient('test-token', 'my-project');
 * (await auth.getRequestHeaders()).get('authorization') // 'Bearer test-token'
 */
export function fixedTokenAuthClient(token: string, projectId: string | null): GoogleAuthClient {
  return {
    projectId,
    getRequestHeaders: () => Promise.resolve(new Headers({ authorization: `Bearer ${token}` })),
  };
}
