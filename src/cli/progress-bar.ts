/** A progress bar on stderr (a line per tenth when stderr is not a terminal, so that logs stay readable). */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const started = performance.now();
  let lastTenth = -1;
  return (done: number, total: number) => {
    const ratio = total === 0 ? 1 : done / total;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(ratio * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.round(ratio * 100)}% ${done}/${total} ${seconds}s`);
      if (done === total) stream.write('\n');
    } else {
      const tenth = Math.floor(ratio * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        stream.write(`${label}: ${Math.round(ratio * 100)}% (${done}/${total}, ${seconds}s)\n`);
      }
    }
  };
}
