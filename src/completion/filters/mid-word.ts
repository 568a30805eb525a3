/**
 * No completion in the middle of a word that continues after the cursor (`pri|nt`): the user is editing an
 * existing token. Checked on the request, before any stepping.
 */
import { isNameChar } from '../../python/names';

export function midWord(prefixLine: string, lineSuffix: string): boolean {
  return isNameChar(prefixLine[prefixLine.length - 1]) && isNameChar(lineSuffix[0]);
}
