import { changedChars, diffLines } from '../../src/core/domain/line-diff';
import { contentHash, normaliseStorage, storageToText } from '../../src/core/domain/content-hash';

/** Applying the hunks' edits to the old text must give the new text (the diff is correct, not only plausible). */
function apply(oldLines: string[], hunks: ReturnType<typeof diffLines>['hunks']): string[] {
  const out: string[] = [];
  let at = 0;
  for (const hunk of hunks) {
    const start = hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1;
    while (at < start) out.push(oldLines[at++]);
    for (const line of hunk.lines) {
      if (line.op === '+') out.push(line.text);
      else {
        expect(oldLines[at]).toBe(line.text);
        if (line.op === ' ') out.push(line.text);
        at++;
      }
    }
  }
  while (at < oldLines.length) out.push(oldLines[at++]);
  return out;
}

describe('line diff', () => {
  it('reports only the changed line with its context', () => {
    const a = ['one', 'two', 'three', 'four', 'five', 'six', 'seven'];
    const b = ['one', 'two', 'three', 'FOUR', 'five', 'six', 'seven'];
    const { hunks, truncated } = diffLines(a, b, 10);
    expect(truncated).toBe(false);
    expect(hunks).toEqual([
      {
        oldStart: 2,
        oldLines: 5,
        newStart: 2,
        newLines: 5,
        lines: [
          { op: ' ', text: 'two' },
          { op: ' ', text: 'three' },
          { op: '-', text: 'four' },
          { op: '+', text: 'FOUR' },
          { op: ' ', text: 'five' },
          { op: ' ', text: 'six' },
        ],
      },
    ]);
  });

  it('is empty for equal texts', () => {
    expect(diffLines(['a', 'b'], ['a', 'b'], 10)).toEqual({ hunks: [], truncated: false });
  });

  it('reconstructs the new text from random edits', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: rnd(30) }, () => `l${rnd(8)}`);
      const b = a.flatMap((line) => (rnd(4) === 0 ? [] : rnd(5) === 0 ? [line, `n${rnd(8)}`] : [line]));
      if (rnd(3) === 0) b.unshift('head');
      const { hunks } = diffLines(a, b, 10_000);
      expect(apply(a, hunks)).toEqual(b);
    }
  });

  it('stops at the hunk cap and says so', () => {
    const a = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    const b = a.map((l, i) => (i % 10 === 0 ? `${l} changed` : l));
    const { hunks, truncated } = diffLines(a, b, 3);
    expect(hunks).toHaveLength(3);
    expect(truncated).toBe(true);
  });

  it('counts the changed characters of a word edit, not the whole line', () => {
    expect(changedChars(['The quick brown fox'], ['The quick red fox'])).toBe(5);
    expect(changedChars(['same'], ['same'])).toBe(0);
  });
});

describe('content hash v1', () => {
  it('ignores local ids and whitespace, not text', () => {
    const a = '<p ac:local-id="abc">Hello   world</p>\n<ac:structured-macro ac:name="info" ac:macro-id="1"/>';
    const b = '<p ac:local-id="xyz">Hello world</p> <ac:structured-macro ac:name="info" ac:macro-id="2"/>';
    expect(normaliseStorage(a)).toBe(normaliseStorage(b));
    expect(contentHash('Title', a)).toBe(contentHash('Title', b));
    expect(contentHash('Title', a)).not.toBe(contentHash('Title', '<p>Hello world!</p>'));
    expect(contentHash('Title', a)).not.toBe(contentHash('Other title', a));
  });

  it('treats the NFC and NFD spellings of a title as one', () => {
    expect(contentHash('Caf\u00e9', '<p/>')).toBe(contentHash('Cafe\u0301', '<p/>'));
  });

  it('turns storage into text lines: no markup, macros named', () => {
    const lines = storageToText('<h1>Title</h1><p>a &amp; <b>b</b></p><ac:structured-macro ac:name="toc"><ac:parameter ac:name="x">1</ac:parameter></ac:structured-macro><p><script>alert(1)</script></p>');
    expect(lines).toEqual(['Title', 'a & b', '[macro:toc]', '1', 'alert(1)']);
    expect(lines.join('\n')).not.toMatch(/[<>]/);
  });
});
