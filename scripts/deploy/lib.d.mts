// Types for lib.mjs, so TypeScript tests and the e2e setup can import it.
export declare const root: string;
export declare const bins: { next: string; opennext: string; wrangler: string };
export declare function toolEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
export declare function runNode(step: string, script: string, args: string[], options?: { env?: NodeJS.ProcessEnv; echo?: boolean }): Promise<string>;
export declare const LOCAL_ENV_FILES: readonly string[];
export declare function presentLocalEnvFiles(dir?: string): string[];
export declare function localEnvRefusal(files: string[]): string;
export declare const STAND_IN_MARKER: string;
export declare const BUILD_STAND_INS: Readonly<Record<'AUTH_SECRET' | 'AUTH_LOGTO_ISSUER' | 'AUTH_LOGTO_ID' | 'AUTH_LOGTO_SECRET', string>>;
export declare function nextEnvModule(dir?: string): string;
export declare function rewriteNextEnvWithoutLocalFiles(dir?: string): void;
export declare function localSecretValues(dir?: string): Map<string, string>;
export declare function findInFiles(dir: string, needles: Map<string, string>): string[];
export declare function gzipSizeOfFiles(files: string[]): { raw: number; gzip: number };
export declare function kb(bytes: number): string;
