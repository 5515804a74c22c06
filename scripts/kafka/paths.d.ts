export declare const repoRoot: string;
export declare const kafkaHome: string;
export declare const libsDir: string;
export declare const pomFile: string;
export declare const markerFile: string;
export declare function classpath(): string;
export declare function libsAvailable(): boolean;
