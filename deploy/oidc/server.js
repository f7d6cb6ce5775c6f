// tiimi's local OpenID Connect provider: `node deploy/oidc/server.js` (make run starts it).
//
// It stands in for the county's own provider on a developer machine and in the tests:
// the same protocol (authorisation code + PKCE for the public client tiimi-web), JWT
// access tokens for the gateway, and a handful of demo users (users.json) who log in
// with a password on this provider's own page. Production never runs this.
//
// | variable                     | default                                              |
// |------------------------------|------------------------------------------------------|
// | TIIMI_OIDC_PORT              | 8010; the issuer is http://127.0.0.1:<port>          |
// | TIIMI_OIDC_ISSUER            | http://127.0.0.1:<port>                              |
// | TIIMI_OIDC_REDIRECT_URIS     | more redirect URIs for tiimi-web, comma separated    |
// | TIIMI_OIDC_POST_LOGOUT_URIS  | more post-logout redirect URIs, comma separated      |
// | TIIMI_VAR_DIR                | the repository's var/: signing keys in var/oidc/     |
import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider, { errors } from 'oidc-provider';

const HERE = dirname(fileURLToPath(import.meta.url));
const PORT = Number(process.env.TIIMI_OIDC_PORT || 8010);
const HOST = process.env.TIIMI_OIDC_HOST || '127.0.0.1';
const ISSUER = process.env.TIIMI_OIDC_ISSUER || `http://127.0.0.1:${PORT}`;
const VAR = resolve(process.env.TIIMI_VAR_DIR || join(HERE, '..', '..', 'var'));

// The gateway: the one resource server, and the audience of every access token.
export const RESOURCE = 'urn:tiimi:gateway';
export const AUDIENCE = 'tiimi-gateway';
const SCOPES = ['openid', 'profile', 'tiimi'];
const LOCALES = new Set(['fi', 'sv', 'en']);

function list(value) {
  return (value || '').split(',').map((item) => item.trim()).filter(Boolean);
}

const redirectUris = ['http://127.0.0.1:8000/app/callback', 'http://localhost:8000/app/callback',
  ...list(process.env.TIIMI_OIDC_REDIRECT_URIS)];
const postLogoutRedirectUris = ['http://127.0.0.1:8000/', 'http://localhost:8000/',
  ...list(process.env.TIIMI_OIDC_POST_LOGOUT_URIS)];
// The browser app calls the token endpoint from the gateway's origin(s).
const allowedOrigins = new Set([...redirectUris, ...postLogoutRedirectUris].map((uri) => new URL(uri).origin));

const { users } = JSON.parse(readFileSync(join(HERE, 'users.json'), 'utf8'));
const bySubject = new Map(users.map((user) => [user.sub, user]));

// Signing keys and cookie keys: made at the first start under var/oidc/, kept across restarts.
function localKeys() {
  const dir = join(VAR, 'oidc');
  const path = join(dir, 'keys.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8'));
  mkdirSync(dir, { recursive: true });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  // RFC 7638 thumbprint as the key id, so a rotated key is told apart from the old one.
  const kid = createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');
  const keys = {
    jwks: { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] },
    cookies: [randomBytes(32).toString('base64url')],
  };
  writeFileSync(path, JSON.stringify(keys), { mode: 0o600 });
  chmodSync(path, 0o600);
  return keys;
}

function passwordMatches(user, given) {
  const expected = createHash('sha256').update(user.password).digest();
  const actual = createHash('sha256').update(String(given ?? '')).digest();
  return timingSafeEqual(expected, actual);
}

function tiimiClaims(user) {
  return {
    sub: user.sub, name: user.name, org: user.org, kind: user.kind,
    locale: LOCALES.has(user.locale) ? user.locale : 'fi',
  };
}

const keys = localKeys();

const configuration = {
  clients: [{
    client_id: 'tiimi-web',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutRedirectUris,
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: keys.jwks,
  cookies: { keys: keys.cookies },
  scopes: SCOPES,
  claims: { openid: ['sub'], profile: ['name', 'locale'], tiimi: ['org', 'kind'] },
  // The ID token carries the user's claims even though an access token is issued beside it.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  clientBasedCORS: (ctx, origin) => allowedOrigins.has(origin),
  async findAccount(ctx, sub) {
    const user = bySubject.get(sub);
    if (!user) return undefined;
    return { accountId: sub, claims: async () => tiimiClaims(user) };
  },
  async extraTokenClaims(ctx, token) {
    const user = bySubject.get(token.accountId);
    if (!user) return undefined;
    const { sub, ...claims } = tiimiClaims(user);
    return claims;
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // The provider asks before it ends the session, so no other site can log a person out.
      async logoutSource(ctx, form) {
        ctx.body = page('tiimi: log out', `<h1>Log out of tiimi?</h1>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Log out</button>
<button type="submit" form="op.logoutForm">Stay logged in</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('tiimi: logged out', '<h1>You have logged out of tiimi.</h1>');
      },
    },
    resourceIndicators: {
      enabled: true,
      // A plain authorisation-code flow (no `resource` parameter) gets a JWT for the gateway.
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator) => {
        if (resourceIndicator !== RESOURCE) throw new errors.InvalidTarget();
        return {
          scope: 'tiimi', audience: AUDIENCE, accessTokenTTL: 60 * 60,
          accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  ttl: {
    AccessToken: 60 * 60,
    AuthorizationCode: 60,
    IdToken: 60 * 60,
    Interaction: 60 * 60,
    Session: 8 * 60 * 60,
    Grant: 8 * 60 * 60,
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', `<h1>Login failed</h1><p>${escape(out.error)}: ${escape(out.error_description)}</p>`);
  },
};

const provider = new Provider(ISSUER, configuration);
provider.proxy = false;

function escape(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1f2a37}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.5rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1.25rem;font-size:1rem}.error{color:#b00020}
table{border-collapse:collapse;margin-top:1.5rem;font-size:.9rem}td{padding:.15rem .6rem .15rem 0}</style>
</head><body>${body}</body></html>`;
}

function loginPage(uid, error) {
  const rows = users.map((u) => `<tr><td><code>${escape(u.sub)}</code></td><td>${escape(u.name)}</td>`
    + `<td>${escape(u.title)}, ${escape(u.org)}</td></tr>`).join('');
  return page('tiimi: log in', `<h1>tiimi (local demo provider)</h1>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
<label for="username">User</label><input id="username" name="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Log in</button></form>
<p>Local demo users (their passwords: <code>make run</code> prints them, and the README):</p>
<table>${rows}</table>`);
}

async function formBody(req) {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 10_000) throw new Error('form too large');
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

// The consent prompt: tiimi-web is tiimi's own app, so what it asks for is granted without a page.
async function grantConsent(details) {
  const { prompt: { details: missing }, params, session: { accountId } } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return { consent: { grantId: await grant.save() } };
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Error', '<p>This login has expired; start again.</p>'));
  if (details.prompt.name === 'consent') {
    return provider.interactionFinished(req, res, await grantConsent(details), { mergeWithLastSubmission: true });
  }
  if (action !== 'login') return send(res, 200, loginPage(uid));
  if (req.method !== 'POST') return send(res, 405, page('Error', '<p>Log in with the form.</p>'));
  const { username, password } = await formBody(req);
  const user = bySubject.get(String(username ?? '').trim());
  if (!user || !passwordMatches(user, password)) {
    return send(res, 401, loginPage(uid, 'Unknown user or wrong password.'));
  }
  return provider.interactionFinished(req, res, { login: { accountId: user.sub } },
    { mergeWithLastSubmission: false });
}

const callback = provider.callback();
const server = createServer(async (req, res) => {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/.exec(new URL(req.url, ISSUER).pathname);
  if (!match) return callback(req, res);
  try {
    return await interaction(req, res, match[1], match[2]);
  } catch (error) {
    return send(res, 400, page('Error', `<p>${escape(error.message)}; start the login again.</p>`));
  }
});

server.listen(PORT, HOST, () => {
  console.log(JSON.stringify({ event: 'oidc_provider_started', issuer: ISSUER, address: `${HOST}:${PORT}`,
    jwks_uri: `${ISSUER}/jwks`, client: 'tiimi-web', users: users.map((u) => u.sub) }));
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
