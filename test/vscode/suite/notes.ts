/** Lines the in-editor tests want printed by the runner (measurements such as event-loop delay). */
export const notes: string[] = [];
export function note(line: string): void {
  notes.push(line);
  console.log(line);
}
