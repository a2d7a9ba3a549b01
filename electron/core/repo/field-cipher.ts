import { openText, sealText, type ContentKey } from '../crypto/envelope.js';

/** Seals and opens the encrypted columns of one table; every value is bound to (table, column, row). */
export class FieldCipher<Column extends string> {
  constructor(
    private readonly key: ContentKey,
    private readonly table: string,
  ) {}

  seal(column: Column, rowId: string, text: string): Uint8Array {
    return sealText(this.key, { table: this.table, column, rowId }, text);
  }

  open(column: Column, rowId: string, envelope: Uint8Array): string {
    return openText(this.key, { table: this.table, column, rowId }, envelope);
  }
}
