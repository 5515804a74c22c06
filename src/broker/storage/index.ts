export type { FileHandle, FileSystem } from './FileSystem';
export { DiskFileSystem } from './DiskFileSystem';
export { MemoryFileSystem } from './MemoryFileSystem';
