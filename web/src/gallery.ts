// The gallery: the repository's examples/ and the classic tests of web/gallery (written
// for the playground), embedded as text when the page is built.

export interface GalleryEntry {
  /** The file name, e.g. `SB.litmus`; the test's name in messages. */
  file: string;
  group: string;
  text: string;
}

const classics = import.meta.glob<string>('../gallery/*.litmus', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const examples = import.meta.glob<string>('../../examples/*.litmus', {
  query: '?raw',
  import: 'default',
  eager: true,
});

function entries(group: string, files: Record<string, string>): GalleryEntry[] {
  return Object.entries(files)
    .map(([path, text]) => ({ file: path.slice(path.lastIndexOf('/') + 1), group, text }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

export const GALLERY: GalleryEntry[] = [
  ...entries('Classic tests', classics),
  ...entries('Examples (kernel protocols)', examples),
];
