// Standalone HTML reports (one offline file each, charts as inline SVG): one
// song, a set of songs, or a comparison of two runs. What `hear export
// --format html`, `hear compare --html` and the extension's Export Report write.
export { comparisonReportHtml } from './html/comparison';
export { folderReportHtml, type FolderReportOptions } from './html/folder';
export { songReportHtml } from './html/song';
