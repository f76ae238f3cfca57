// What a new password must be, beyond 10–200 characters (NIST SP 800-63B style: no
// composition rules, but no guessable passwords):
// - at least 5 different characters ("aaaaaaaaaa", "1212121212" are refused);
// - not a run along the keyboard or the alphabet ("qwertyuiop", "1234567890", "abcdefghij");
// - not one of the most common passwords, also with digits or symbols around it
//   ("password2024!", "matkhau123", "admin@123");
// - not containing the user name or the display name (4 characters or more).
export const COMMON_PASSWORDS = new Set([
  "password", "passw0rd", "p@ssword", "p@ssw0rd", "admin", "administrator", "root", "user", "guest", "welcome", "letmein",
  "iloveyou", "princess", "sunshine", "football", "baseball", "monkey", "dragon", "master", "shadow", "superman", "batman",
  "trustno1", "whatever", "starwars", "secret", "login", "access", "hello", "freedom", "computer", "internet", "changeme",
  "default", "test", "testing", "qwerty", "azerty", "asdfgh", "zxcvbn", "abc", "abcd", "abcdef", "abcabc", "aaaaaa",
  "matkhau", "mat khau", "matkhaumoi", "anhyeuem", "emyeuanh", "yeuem", "yeuanh", "xinchao", "vietnam", "hanoi", "saigon",
  "haiphong", "danang", "hochiminh", "thanhpho", "loaxa", "loa xa", "truyenthanh", "truyen thanh", "phatthanh", "ubnd",
  "ubndxa", "xa", "thon", "quantri", "quantrivien", "bientap", "vanhanh", "lanhdao", "congan", "doanthanhnien", "dangvien",
  "tuoitre", "conheo", "concho", "meomeo", "hoalong", "hoahong", "ngocanh", "minhanh", "thanhnien", "baomat", "khongbiet",
  "loaxa2026", "kienminh",
]);

// Sequences the eye or hand runs along.
const RUNS = ["abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "azertyuiopqsdfghjklmwxcvbn", "0123456789", "1234567890", "01234567890"];

export interface PasswordProblem {
  vi: string;
  en: string;
}

const strip = (s: string) => s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");

/** The first rule a password breaks, or null. */
export function passwordProblem(password: string, who: { username?: string; displayName?: string } = {}): PasswordProblem | null {
  if (new Set(password).size < 5) {
    return { vi: "Mật khẩu cần ít nhất 5 ký tự khác nhau.", en: "The password needs at least 5 different characters." };
  }
  const p = strip(password);
  const core = p.replace(/^[^a-z]+|[^a-z]+$/g, ""); // "@admin123!" → "admin"
  const compact = p.replace(/[\s._-]/g, "");
  const run = (s: string) => s.length >= 6 && RUNS.some((r) => r.includes(s) || [...r].reverse().join("").includes(s));
  if (run(compact) || run(compact.replace(/\d+$/, "")) || run(compact.replace(/^\d+/, ""))) {
    return { vi: "Mật khẩu không được là dãy ký tự liền nhau trên bàn phím hoặc bảng chữ cái.", en: "The password must not be a run of keys or letters (like qwerty or 123456)." };
  }
  if (COMMON_PASSWORDS.has(p) || COMMON_PASSWORDS.has(core) || COMMON_PASSWORDS.has(compact) || /^\d+$/.test(p)) {
    return { vi: "Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn một cụm từ riêng của bạn.", en: "That password is too common and easy to guess; choose a phrase of your own." };
  }
  for (const name of [who.username, who.displayName]) {
    const n = strip(name ?? "").replace(/\s+/g, "");
    if (n.length >= 4 && compact.replace(/\s+/g, "").includes(n)) {
      return { vi: "Mật khẩu không được chứa tên đăng nhập hoặc tên hiển thị.", en: "The password must not contain the user name or display name." };
    }
  }
  return null;
}
