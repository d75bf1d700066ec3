declare module 'fs-native-extensions' {
  /** An OS lock on a byte range of an open file (fcntl OFD on Linux, flock on macOS, LockFileEx on Windows); false when another holds it. */
  export function tryLock(fd: number, offset?: number, length?: number, opts?: { shared?: boolean }): boolean;
}
