export declare const NODE_VERSIONS: Record<string, string>
export declare function nodeBinary(major: string | number): string
export declare function installedNodes(): { label: string; bin: string }[]
export declare function installNodes(): void
