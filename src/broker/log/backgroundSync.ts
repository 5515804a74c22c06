import { open } from 'node:fs/promises';
import { DiskFileSystem } from '../storage/DiskFileSystem';
import type { FileHandle, FileSystem } from '../storage/FileSystem';

/**
 * fsync of a file off the event loop (libuv's thread pool), as Kafka flushes a rolled segment on
 * a scheduler thread: a rolled segment may hold up to segment.bytes of unwritten pages, whose
 * synchronous fsync would stall every connection. On disk the file is opened again read-only
 * (fsync reaches the file, whichever descriptor asks); another filesystem syncs through its handle.
 * A file already removed (retention, compaction) has nothing left to flush.
 */
export async function syncInBackground(fs: FileSystem, handle: FileHandle): Promise<void> {
  if (!(fs instanceof DiskFileSystem)) {
    handle.sync();
    return;
  }
  let file;
  try {
    file = await open(handle.path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}
