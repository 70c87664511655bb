export * from './debug-proxy-errors-plugin.js';
export * from './error-response-plugin.js';
export * from './logger-plugin.js';
export * from './proxy-events.js';
