// The rich-text editor of long texts (see tisser/core/richtext.py).
//
// Each `.rich-text` box holds a textarea marked `data-rich-text`; this module loads
// django-prose-editor's ProseMirror bundle (its address, from our static files, is on the
// box) and puts the editor in place of the textarea, which it keeps up to date, so the
// form posts as before. Only the formatting the server's sanitiser keeps is offered.
// Without this script the textarea stays a textarea.

const started = new WeakSet();

function label(box, name) {
  return box.dataset["label" + name] || "";
}

function csrfToken(textarea) {
  const field = textarea.form && textarea.form.querySelector("[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.split("=")[1]) : "";
}

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

// "Insert an image": the file and its description are sent to the server, which checks,
// resizes and stores it, then the image goes in where the cursor is.
function imagePanel(box, textarea, editor, uploadUrl) {
  const id = textarea.id || textarea.name;
  const file = element("input", { type: "file", id: `${id}-image`, accept: "image/jpeg,image/png,image/gif,image/webp" });
  const alt = element("input", { type: "text", id: `${id}-image-alt`, maxlength: "300" });
  const decorative = element("input", { type: "checkbox", id: `${id}-image-decorative` });
  const status = element("p", { class: "rich-text-status", role: "status", "aria-live": "polite" });
  const button = element("button", { type: "button", class: "button secondary", text: label(box, "Insert") });
  const panel = element("details", { class: "rich-text-image" }, [
    element("summary", { text: label(box, "Image") }),
    element("div", { class: "field" }, [element("label", { for: file.id, text: label(box, "File") }), file]),
    element("div", { class: "field" }, [element("label", { for: alt.id, text: label(box, "Alt") }), alt]),
    element("div", { class: "field checkbox" }, [decorative, element("label", { for: decorative.id, text: label(box, "Decorative") })]),
    button,
    status,
  ]);
  decorative.addEventListener("change", () => {
    alt.disabled = decorative.checked;
  });
  button.addEventListener("click", async () => {
    const description = decorative.checked ? "" : alt.value.trim();
    if (!file.files.length) {
      status.textContent = label(box, "FileNeeded");
      file.focus();
      return;
    }
    if (!description && !decorative.checked) {
      status.textContent = label(box, "AltNeeded");
      alt.focus();
      return;
    }
    const body = new FormData();
    body.append("image", file.files[0]);
    body.append("alt", description);
    button.disabled = true;
    status.textContent = label(box, "Uploading");
    try {
      const response = await fetch(uploadUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea) },
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(answer.error || label(box, "Failed"));
      editor
        .chain()
        .focus()
        .setImage({ src: answer.url, alt: answer.alt, width: answer.width, height: answer.height })
        .run();
      status.textContent = label(box, "Inserted");
      file.value = "";
      alt.value = "";
      decorative.checked = false;
      alt.disabled = false;
    } catch (error) {
      status.textContent = error.message || label(box, "Failed");
    } finally {
      button.disabled = false;
    }
  });
  box.append(panel);
}

// The package names its buttons in English: give them the names the page was written in.
function relabel(box) {
  const labels = JSON.parse(box.dataset.menuLabels || "{}");
  const named = (button) => button.dataset.name || (button.title || "").replace(/\s+/g, "").replace(/^(heading\d)$/i, (m) => m.toLowerCase());
  for (const button of box.querySelectorAll(".prose-menubar button")) {
    const text = labels[named(button)];
    if (!text) continue;
    if (button.classList.contains("prose-menubar__option")) {
      const inner = button.firstElementChild || button;
      if (inner.textContent !== text) inner.textContent = text;
    } else if (button.title !== text) {
      button.title = text;
      button.setAttribute("aria-label", text);
    }
  }
}

async function start(box) {
  const textarea = box.querySelector("textarea[data-rich-text]");
  if (!textarea || started.has(textarea)) return;
  started.add(textarea);
  const config = JSON.parse(textarea.dataset.richText || "{}");
  const E = await import(box.dataset.editorModule);
  const editor = E.createTextareaEditor(textarea, [
    E.Document,
    E.Paragraph,
    E.Text,
    E.HardBreak,
    E.Dropcursor,
    E.Gapcursor,
    E.History,
    E.Menu,
    E.Heading.configure({ levels: config.headings || [2, 3, 4] }),
    E.Bold,
    E.Italic,
    E.BulletList,
    E.OrderedList,
    E.ListItem,
    E.Blockquote,
    E.Link.configure({
      enableTarget: false,
      protocols: ["http", "https", "mailto", "tel"],
      HTMLAttributes: { target: null, rel: "noopener noreferrer", class: null },
    }),
    E.Image,
  ]);
  relabel(box);
  editor.on("transaction", () => relabel(box));
  // The field's label and help text name the editable area for screen readers.
  const area = box.querySelector("[contenteditable]");
  const fieldLabel = textarea.id && document.querySelector(`label[for="${textarea.id}"]`);
  if (area && fieldLabel) area.setAttribute("aria-label", fieldLabel.textContent.replace(/\s*:\s*$/, "").trim());
  if (area && textarea.getAttribute("aria-describedby")) {
    area.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
  }
  area?.setAttribute("aria-multiline", "true");
  box.classList.add("rich-text-ready");
  if (config.upload) imagePanel(box, textarea, editor, config.upload);
  textarea.dispatchEvent(new CustomEvent("rich-text:ready", { bubbles: true, detail: { editor } }));
}

function startAll(root) {
  for (const box of root.querySelectorAll(".rich-text")) {
    start(box).catch((error) => {
      // The textarea stays usable as it is.
      console.error("rich-text editor:", error);
    });
  }
}

startAll(document);
// Forms added later (htmx) get their editor too.
document.addEventListener("htmx:load", (event) => startAll(event.target));
