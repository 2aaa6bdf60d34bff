// The GraphQL-over-HTTP audits of the `graphql-http` package (the spec's reference implementation) against
// a running server at AISETTINGS_URL with the token AISETTINGS_TOKEN (.ci/with-demo-server sets both):
// `node audit.mjs`. Prints every audit; exits 1 on any warning or error.
import { serverAudits } from 'graphql-http';

const { AISETTINGS_URL: url, AISETTINGS_TOKEN: token } = process.env;
if (!url || !token) {
  console.error('usage: AISETTINGS_URL=... AISETTINGS_TOKEN=... node audit.mjs');
  process.exit(2);
}

// The audits send no credentials: every request of theirs carries the token.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const counts = { ok: 0, warn: 0, error: 0 };
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  counts[result.status] += 1;
  const detail = result.status === 'ok' ? '' : `\n      ${result.reason}`;
  console.log(`${result.status.padEnd(5)} ${audit.id} ${audit.name}${detail}`);
}
console.log(`\n${counts.ok} ok, ${counts.warn} warnings, ${counts.error} errors`);
process.exit(counts.warn + counts.error === 0 ? 0 : 1);
