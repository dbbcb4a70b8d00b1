// "Copy to clipboard" for the minutes extract, a progressive enhancement: without JavaScript,
// or where the browser may not write to the clipboard, the button stays hidden and the text is
// selected and copied as usual. Copies plain text (sub-items tab-indented) and, where the
// browser can, the same paragraphs as simple HTML that keeps the indents when pasted into Word.
const button = document.querySelector("button[data-copy-target]");
const target = button && document.getElementById(button.dataset.copyTarget);
const status = button && document.getElementById(button.dataset.copyStatus);

const escapeHtml = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

if (target && navigator.clipboard && window.isSecureContext) {
  const paragraphs = [...target.querySelectorAll("p")].map((p) => ({
    level: Number(p.dataset.level || 0),
    text: p.textContent.replace(/\s+/g, " ").trim(),
  }));
  const plain = paragraphs.map(({ level, text }) => "\t".repeat(Math.max(level - 1, 0)) + text).join("\n");
  const html = paragraphs
    .map(({ level, text }) => {
      const indent = level ? `margin-left: ${1.27 * level}cm; text-indent: -1.27cm;` : "";
      const inner = level ? escapeHtml(text) : `<strong>${escapeHtml(text)}</strong>`;
      return `<p style="font-family: Arial, sans-serif; ${indent}">${inner}</p>`;
    })
    .join("\n");

  const say = (message) => {
    if (status) status.textContent = message;
  };

  button.hidden = false;
  button.addEventListener("click", async () => {
    say("");
    try {
      if (window.ClipboardItem) {
        await navigator.clipboard.write([
          new ClipboardItem({
            "text/plain": new Blob([plain], { type: "text/plain" }),
            "text/html": new Blob([html], { type: "text/html" }),
          }),
        ]);
      } else {
        await navigator.clipboard.writeText(plain);
      }
      say("Copied. You can now paste the resolutions into the minutes.");
    } catch {
      say("The resolutions could not be copied. Select the text above and copy it instead.");
    }
  });
}
