/** The emulator's proxy (see server.ts): what the rest of the emulator and proxy-main use. */
export { ERRORS, fakeNodeId, mergeViews, startProxy, type ProxyConfig, type ProxyHandle, type Routing } from './server';
