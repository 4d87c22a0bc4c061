// content-disposition 3 ships ESM only, which Jest's CommonJS runtime cannot load; @fastify/static
// (for the OpenAPI UI) needs only `create`, which the 0.5 line provides as its default export.
module.exports = { create: require('content-disposition-cjs') };
