import { describe, expect, it } from 'vitest';
import { renderHistogram } from '../../src/demo/histogram.js';
import { displayWidth, renderTable, truncate } from '../../src/demo/textTable.js';

describe('demo display', () => {
  it('counts Hangul as two columns and aligns tables by display width', () => {
    expect(displayWidth('백엔드 dev')).toBe(10);
    const out = renderTable([{ header: 'name' }, { header: 'n', align: 'right' }], [['김민준', '1'], ['Lee', '10']]).split('\n');
    expect(out.map(displayWidth)).toEqual([10, 10, 10, 10]);
    expect(displayWidth(truncate('가나다라마바사', 7))).toBeLessThanOrEqual(7);
  });

  it('draws bars proportional to counts, same-role part first', () => {
    const lines = renderHistogram([{ from: 50, same: 0, total: 5 }, { from: 55, same: 5, total: 10 }], 5, 10);
    expect(lines[0]).toContain('░░░░░ ');
    expect(lines[1]).toContain('█████░░░░░');
    expect(lines[1]).toContain('50% same role');
  });
});
