import { defineCloudflareConfig } from '@opennextjs/cloudflare';

// OpenNext on Cloudflare Workers (docs/decisions/002, 008). Every page reads the session cookie, so there is
// nothing to cache: the default (dummy) incremental cache is enough and needs no R2/KV binding.
const config = defineCloudflareConfig();

export default {
  ...config,
  dangerous: {
    ...config.dangerous,
    // OpenNext lets middleware cookies win by default. The middleware re-issues the session cookie it just
    // read, so a server action's `signOut()` (which deletes it) would be overwritten and the user would stay
    // signed in. The handler runs after the middleware and knows better: its cookies win.
    headersAndCookiesPriority: () => 'handler' as const,
  },
};
