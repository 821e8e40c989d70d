/**
 * One promise per turn of the event loop, resolved at its end (setImmediate): everything that waits on it in a
 * turn goes on together. The access-log writer's async responses leave this way (audit/writer.ts, asyncRelease).
 */
export function releasePerTurn(): () => Promise<void> {
  let turn: Promise<void> | undefined;
  return () =>
    (turn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        turn = undefined;
        resolve();
      }),
    ));
}
