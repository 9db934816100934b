// The views of hybridnb.ui.browser: a download button and a copyable line of text.
// One ES module for anywidget; the model's "_kind" says which view to draw.

function button(model, label, icon) {
  const el = document.createElement("button");
  el.className = "jupyter-widgets jupyter-button widget-button";
  el.title = model.get("tooltip") || "";
  const glyph = document.createElement("i");
  glyph.className = `fa fa-${icon}`;
  el.append(glyph, document.createTextNode(` ${label}`));
  return el;
}

function bump(model, name) {
  model.set(name, model.get(name) + 1);
  model.save_changes();
}

// A button that hands the bytes in "data" to the browser as a file named "filename".
// The bytes are already in the page when it is clicked, so the download starts within
// the click itself (no round trip to the kernel that a browser could treat as a pop-up).
function renderDownload({ model, el }) {
  const el_button = button(model, model.get("description"), model.get("icon"));
  const update = () => {
    const data = model.get("data");
    el_button.disabled = !data || data.byteLength === 0 || model.get("disabled");
    el_button.title = model.get("tooltip") || "";
  };
  el_button.addEventListener("click", () => {
    const data = model.get("data");
    if (!data || data.byteLength === 0) return;
    const url = URL.createObjectURL(new Blob([data], { type: model.get("mime") }));
    const link = document.createElement("a");
    link.href = url;
    link.download = model.get("filename") || "download";
    link.style.display = "none";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    bump(model, "downloads");
  });
  model.on("change:data", update);
  model.on("change:disabled", update);
  model.on("change:tooltip", update);
  update();
  el.classList.add("hybridnb-download");
  el.append(el_button);
}

async function copyText(text) {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (error) {
      // blocked (permissions): fall through to the selection
    }
  }
  // Plain http from another machine (a class's Voila server) has no clipboard API:
  // copy a selection instead, which browsers still allow inside a click.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  let done = false;
  try {
    done = document.execCommand("copy");
  } catch (error) {
    done = false;
  }
  area.remove();
  return done;
}

// A line of text (a command) shown in a monospace box, with a Copy button.
function renderCopy({ model, el }) {
  const text = document.createElement("code");
  text.className = "hybridnb-copy-text";
  text.style.cssText =
    "flex: 1; white-space: pre-wrap; word-break: break-all; user-select: all; padding: 4px 8px;" +
    "background: var(--jp-layout-color2, #eee); border-radius: 3px; font-size: 12px;";
  const el_button = button(model, model.get("description"), "copy");
  el_button.style.flex = "none";
  const update = () => {
    text.textContent = model.get("value");
  };
  el_button.addEventListener("click", async () => {
    const copied = await copyText(model.get("value"));
    el_button.lastChild.textContent = copied ? " Copied" : " Select and copy";
    setTimeout(() => {
      el_button.lastChild.textContent = ` ${model.get("description")}`;
    }, 1500);
    if (copied) bump(model, "copies");
  });
  model.on("change:value", update);
  update();
  el.classList.add("hybridnb-copy");
  el.style.cssText = "display: flex; gap: 8px; align-items: center; width: 100%;";
  el.append(text, el_button);
}

export default {
  render(context) {
    return context.model.get("_kind") === "copy" ? renderCopy(context) : renderDownload(context);
  },
};
