// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the reflect-metadata
// polyfill loaded first; this is the edge's only import of either.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509, webcrypto };
