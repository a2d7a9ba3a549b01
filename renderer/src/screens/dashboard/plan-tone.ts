/** The colour a plan's state is shown in: calm while scheduled, warmer as warnings climb. */
export function planColor(phase: string, level: number): string {
  switch (phase) {
    case 'scheduled':
      return 'teal';
    case 'warning':
    case 'waiting':
      return level >= 3 ? 'red' : 'orange';
    case 'triggered':
      return 'red';
    case 'paused':
      return 'yellow';
    default:
      return 'gray';
  }
}
