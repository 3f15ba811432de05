// Export as SVG or PNG, keeping the current theme or a transparent background.

// -- export ------------------------------------------------------------------------------------

// The --dv-* custom properties our stylesheet defines, so an export keeps the current theme.
function themeProperties() {
  const names = new Set();
  const visit = (rules) => {
    for (const rule of rules) {
      if (rule.cssRules) visit(rule.cssRules);
      if (!rule.style) continue;
      for (const name of rule.style) if (name.startsWith("--dv-")) names.add(name);
    }
  };
  for (const sheet of document.styleSheets) {
    try {
      visit(sheet.cssRules);
    } catch (error) {
      // A stylesheet we cannot read is not ours.
    }
  }
  return [...names].sort();
}

// The diagram as a standalone SVG file; `scale` sets its size in pixels, so a PNG is drawn from
// the vectors at full resolution rather than enlarged from a small bitmap.
function exportedSvg(view, transparent, scale = 1) {
  const clone = view.svg.cloneNode(true);
  clone.setAttribute("viewBox", view.box.join(" "));
  clone.removeAttribute("preserveAspectRatio");
  clone.setAttribute("width", String(Math.round(view.box[2] * scale)));
  clone.setAttribute("height", String(Math.round(view.box[3] * scale)));
  clone.classList.remove("dv-searching");
  for (const node of clone.querySelectorAll(".dv-match, .dv-selected, .dv-cursor, .dv-lit-hover, .dv-lit-linked")) {
    node.classList.remove("dv-match", "dv-selected", "dv-cursor", "dv-lit-hover", "dv-lit-linked");
  }
  for (const layer of clone.querySelectorAll(".dv-routes")) layer.remove();
  for (const style of clone.querySelectorAll("style")) style.removeAttribute("nonce");
  const computed = getComputedStyle(view.svg);
  const declarations = themeProperties()
    .map((name) => name + ":" + computed.getPropertyValue(name).trim())
    .filter((text) => !text.endsWith(":"));
  const theme = document.createElementNS("http://www.w3.org/2000/svg", "style");
  theme.textContent = "svg{" + declarations.join(";") + "}";
  clone.insertBefore(theme, clone.firstChild);
  if (!transparent) {
    const background = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    background.setAttribute("x", String(view.box[0]));
    background.setAttribute("y", String(view.box[1]));
    background.setAttribute("width", String(view.box[2]));
    background.setAttribute("height", String(view.box[3]));
    background.setAttribute("fill", pageBackground());
    clone.insertBefore(background, theme.nextSibling);
  }
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone) + "\n";
}

function pageBackground() {
  return getComputedStyle(root).getPropertyValue("--dv-page-bg").trim() || "#ffffff";
}

function fileName(extension) {
  const workflow = data.workflows[state.index];
  const base = ((workflow && workflow.name) || "workflow").replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
  return base + "-" + state.direction + "." + extension;
}

function transparent() {
  return $("dv-transparent").checked;
}

function exportSvg() {
  const view = current();
  if (!view) return;
  host.save(fileName("svg"), new Blob([exportedSvg(view, transparent())], { type: "image/svg+xml" }));
}

function exportPng() {
  const view = current();
  if (!view) return Promise.resolve(null);
  const [, , width, height] = view.box;
  // 2x, less only when the canvas would be larger than the browser allows.
  const scale = Math.min(PNG_SCALE, PNG_MAX_SIDE / width, PNG_MAX_SIDE / height, Math.sqrt(PNG_MAX_AREA / (width * height)));
  const blob = new Blob([exportedSvg(view, true, scale)], { type: "image/svg+xml" });
  const url = URL.createObjectURL(blob);
  const background = transparent() ? null : pageBackground();
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      const context = canvas.getContext("2d");
      if (background) {
        context.fillStyle = background;
        context.fillRect(0, 0, canvas.width, canvas.height);
      }
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob((png) => {
        if (!png) return reject(new Error("PNG export failed"));
        host.save(fileName("png"), png);
        resolve(png);
      }, "image/png");
    };
    image.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error("PNG export failed: the SVG did not load as an image"));
    };
    image.src = url;
  });
}

$("dv-export-svg").addEventListener("click", exportSvg);
$("dv-export-png").addEventListener("click", () => {
  exportPng().catch((error) => console.warn(error.message));
});
