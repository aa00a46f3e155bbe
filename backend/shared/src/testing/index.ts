export * from './test-env.js';
export * from './tcp-proxy.js';
export * from './route-security.js';
