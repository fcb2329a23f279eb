// `authcore/manual`: the web build without automatic initialisation, for runtimes that cannot
// fetch the .wasm next to the module (edge workers, custom loaders). Call `init` or `initSync`
// once before anything else; the exports are filled in then.
export * from './index.js';

/** Fetches and compiles the module: a URL, a Response, bytes or a compiled WebAssembly.Module. Default: authcore_wasm_bg.wasm next to the script. */
export function init(input?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<unknown>;
/** Initialises synchronously from a compiled WebAssembly.Module or the module's bytes. */
export function initSync(module: BufferSource | WebAssembly.Module): unknown;
