// definePlugin()
export * from './define-plugin.js';

// default plugins
export * from './default/index.js';
