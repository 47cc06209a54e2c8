import { SampleWindow } from './sample-window';

const run = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => from + i);

describe('SampleWindow', () => {
  it('slices across the pieces it was given, by absolute index', () => {
    const window = new SampleWindow();
    window.append(run(0, 3));
    window.append(run(3, 4));
    window.append(new Float32Array(0));
    window.append(run(7, 2));
    expect(window.total).toBe(9);
    expect(Array.from(window.slice(2, 8))).toEqual([2, 3, 4, 5, 6, 7]);
    expect(Array.from(window.slice(7, 20))).toEqual([7, 8]);
  });

  it('drops whole pieces before a point and reads what is gone as silence', () => {
    const window = new SampleWindow();
    window.append(run(1, 3));
    window.append(run(4, 3));
    window.dropBefore(4);
    expect(Array.from(window.slice(0, 6))).toEqual([0, 0, 0, 4, 5, 6]);
    window.dropBefore(4);
    expect(Array.from(window.slice(4, 6))).toEqual([5, 6]);
  });
});
