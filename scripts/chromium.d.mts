export declare const CHROMIUM_ENV: string;
export declare function chromiumCandidates(): string[];
export declare function findChromium(): string | null;
export declare function useSoftwareAdapter(): boolean;
export declare function chromiumArgs(): string[];
