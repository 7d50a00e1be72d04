// What test/global-setup.ts provides (ports and URLs of the stand-ins), for inject() in the config and tests.
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    storeUrl: string;
    storeToken: string;
    simulatorUrl: string;
    brokeSimulatorApiUrl: string;
    recorderUrl: string;
    closedPort: number;
  }
}
