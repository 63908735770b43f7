import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CredentialStore } from '../auth/credentials.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The keys signatures are checked with; undefined when STRATA_AUTH=off (nothing is checked). */
    credentials: CredentialStore | undefined;
  }
}

/** One credential store for every dialect, created only when signatures are verified. */
export default fp(
  async (app: FastifyInstance) => {
    const { auth } = app.config;
    const store =
      auth.mode === 'verify'
        ? new CredentialStore({
            inline: auth.credentials,
            file: auth.credentialsFile,
            onProblem: (message) => app.log.warn({ file: auth.credentialsFile }, `credentials file: ${message}`),
          })
        : undefined;
    app.decorate('credentials', store);
  },
  { name: 'strata-credentials', dependencies: ['strata-services'] },
);
