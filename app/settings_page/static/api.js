// The page's one way to the server: an operation of the trusted documents (queries/), sent by its
// document's id, with the session cookie and the header that /graphql asks of cookie-authenticated calls.

export class ApiError extends Error {
  constructor(message, code = null) {
    super(message);
    this.code = code;
  }
}

const HEADERS = {
  'Content-Type': 'application/json',
  Accept: 'application/graphql-response+json, application/json',
  'X-Requested-With': 'aisettings',
};

// `documents` maps each operation's name to its document's id ("sha256:..."), as the server wrote them
// into the page.
export function createApi(documents) {
  return async function request(operationName, variables = {}) {
    const documentId = documents[operationName];
    if (!documentId) throw new ApiError(`This server does not offer ${operationName} yet.`, 'NO_DOCUMENT');
    let response;
    try {
      response = await fetch('/graphql', {
        method: 'POST',
        credentials: 'same-origin',
        headers: HEADERS,
        body: JSON.stringify({ documentId, operationName, variables }),
      });
    } catch {
      throw new ApiError('The server could not be reached. Check your connection and try again.', 'NETWORK');
    }
    if (response.status === 401) {
      throw new ApiError('Your session has ended: sign in again (your unsaved changes stay on this tab).', 'UNAUTHENTICATED');
    }
    let body;
    try {
      body = await response.json();
    } catch {
      throw new ApiError(`The server answered with HTTP ${response.status}.`, 'HTTP');
    }
    if (body.errors?.length) {
      throw new ApiError(body.errors.map((error) => error.message).join(' '), body.errors[0].extensions?.code ?? null);
    }
    return body.data;
  };
}
