export * from './factory.js';

export * from './handlers/index.js';

export type { Plugin, Filter, Options, RequestHandler, OnProxyEvent } from './types.js';

export * from './plugins/index.js';
