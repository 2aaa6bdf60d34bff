// The GraphQL-over-HTTP audits of the `graphql-http` package (the spec's reference implementation) against
// a running server: `node audit.mjs [URL TOKEN]` (by default AISETTINGS_URL and AISETTINGS_TOKEN, as
// .ci/with-demo-server sets them). Prints every audit; exits 1 on any warning or error.
import { serverAudits } from 'graphql-http';

const [url, token] = process.argv.length > 2 ? process.argv.slice(2) : [process.env.AISETTINGS_URL, process.env.AISETTINGS_TOKEN];
if (!url || !token) {
  console.error('usage: node audit.mjs URL TOKEN');
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
