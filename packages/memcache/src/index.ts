/** @packageDocumentation Memcached client: Twisted's MemCacheProtocol for Torsion. */
export const PACKAGE_NAME = "@torsion/memcache";
