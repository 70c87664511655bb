export { responseInterceptor } from './response-interceptor.js';
export { fixRequestBody } from './fix-request-body.js';
