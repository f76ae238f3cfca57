// Vietnamese administrative documents made by the tests, in the layout of Decree 30/2020:
// a heading table (issuer | quốc hiệu, tiêu ngữ, place and date), the title, "Kính gửi:",
// the body ending in "./.", then the distribution list and the signature block. DOCX is
// written as WordprocessingML zipped with jszip, PDF with pdfkit: neither is the reader the
// product uses (mammoth, pdfjs).
import JSZip from "jszip";
import PDFDocument from "pdfkit";
import { FONT_DIR } from "../../server/reports/pdfdoc.ts";

export interface AdminDoc {
  issuer: string[];
  number: string;
  placeDate: string;
  title: string[];
  addressee: string;
  body: string[];
  recipients: string[];
  signature: string[];
}

export const CONG_VAN: AdminDoc = {
  issuer: ["ĐẢNG BỘ XÃ KIẾN MINH", "ĐẢNG ỦY XÃ"],
  number: "Số: 12-CV/ĐU",
  placeDate: "Kiến Minh, ngày 12 tháng 4 năm 2026",
  title: ["CÔNG VĂN", "Về tăng cường tuyên truyền phòng, chống bão số 3"],
  addressee: "Kính gửi: Trung tâm Dịch vụ Sự nghiệp công xã.",
  body: [
    "Thực hiện Chỉ thị số 05-CT/TU của Thành ủy về công tác phòng, chống thiên tai năm 2026, Đảng ủy xã đề nghị Trung tâm Dịch vụ Sự nghiệp công xã tăng thời lượng phát thanh trên hệ thống truyền thanh cơ sở về các biện pháp phòng, chống bão, chằng chống nhà cửa và sơ tán người dân khỏi vùng nguy hiểm.",
    "Đề nghị các thôn, tổ dân phố phối hợp triển khai thực hiện nghiêm túc./.",
  ],
  recipients: ["Nơi nhận:", "- Như trên;", "- Lưu VP."],
  signature: ["T/M ĐẢNG ỦY", "BÍ THƯ", "(Đã ký)", "Nguyễn Văn An"],
};

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const para = (text: string, bold = false) => `<w:p><w:r>${bold ? "<w:rPr><w:b/></w:rPr>" : ""}<w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p>`;
const cell = (lines: string[]) => `<w:tc><w:tcPr><w:tcW w:w="4500" w:type="dxa"/></w:tcPr>${lines.map((l) => para(l)).join("")}</w:tc>`;
const table = (left: string[], right: string[]) => `<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/></w:tblPr><w:tr>${cell(left)}${cell(right)}</w:tr></w:tbl>`;

export async function docxOf(d: AdminDoc): Promise<Buffer> {
  const body =
    table([...d.issuer, d.number], ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", d.placeDate]) +
    d.title.map((t) => para(t, true)).join("") +
    para(d.addressee) +
    d.body.map((p) => para(p)).join("") +
    table(d.recipients, d.signature);
  const zip = new JSZip();
  zip.file("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`);
  zip.file("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`);
  zip.file("word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`);
  return zip.generateAsync({ type: "nodebuffer" });
}

/** A PDF of the document; `textless` draws only a box (a scan has no text layer either). */
export function pdfOf(d: AdminDoc, opts: { textless?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: "A4", margin: 60 });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    if (opts.textless) {
      doc.rect(100, 100, 300, 200).fill("#888888");
      doc.end();
      return;
    }
    doc.registerFont("serif", `${FONT_DIR}/LiberationSerif-Regular.ttf`);
    doc.font("serif").fontSize(13);
    const top = doc.y;
    for (const l of [...d.issuer, d.number]) doc.text(l, 60, undefined, { width: 200, align: "center" });
    doc.y = top;
    for (const l of ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", d.placeDate]) doc.text(l, 270, undefined, { width: 265, align: "center" });
    doc.moveDown(2);
    for (const l of d.title) doc.text(l, 60, undefined, { width: 475, align: "center" });
    doc.moveDown();
    doc.text(d.addressee, 60, undefined, { width: 475 });
    doc.moveDown();
    // Justified and wrapped over several lines, as a real body is.
    for (const p of d.body) doc.text(p, 60, undefined, { width: 475, align: "justify" }).moveDown(0.6);
    doc.moveDown();
    const sig = doc.y;
    for (const l of d.recipients) doc.text(l, 60, undefined, { width: 200 });
    doc.y = sig;
    for (const l of d.signature) doc.text(l, 300, undefined, { width: 235, align: "center" });
    doc.end();
  });
}
