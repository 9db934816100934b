// PointPicker (hybridnb/ui/point_picker.py): a picture on which the user clicks, drags and removes points.
// Points are kept in the picture's own pixels ((x, y), pixel centres at whole numbers), whatever size the
// picture is shown at; they reach Python when a click or a drag ends.
const SVG = "http://www.w3.org/2000/svg";

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "hybridnb-picker";
  const img = document.createElement("img");
  img.draggable = false;
  img.alt = model.get("description");
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("preserveAspectRatio", "none");
  box.append(img, svg);
  el.append(box);

  let url = null;
  let local = null; // the points while a drag is under way
  let dragging = null; // the index of the point being dragged

  const size = () => [Math.max(1, model.get("width")), Math.max(1, model.get("height"))];
  const points = () => local || model.get("points");

  function showImage() {
    if (url) URL.revokeObjectURL(url);
    const data = model.get("image");
    url = data && data.byteLength ? URL.createObjectURL(new Blob([data], { type: model.get("mime") })) : null;
    img.src = url || "";
    const [w, h] = size();
    box.style.aspectRatio = `${w} / ${h}`;
    svg.setAttribute("viewBox", `-0.5 -0.5 ${w} ${h}`);
    draw();
  }

  function draw() {
    const [w, h] = size();
    const radius = Math.max(w, h) / 45;
    svg.replaceChildren();
    points().forEach(([x, y], i) => {
      const ring = document.createElementNS(SVG, "circle");
      ring.setAttribute("cx", x);
      ring.setAttribute("cy", y);
      ring.setAttribute("r", radius);
      ring.setAttribute("class", "hybridnb-point");
      ring.style.stroke = model.get("colour");
      const dot = document.createElementNS(SVG, "circle");
      dot.setAttribute("cx", x);
      dot.setAttribute("cy", y);
      dot.setAttribute("r", radius / 6);
      dot.style.fill = model.get("colour");
      const label = document.createElementNS(SVG, "text");
      label.setAttribute("x", x + radius * 1.1);
      label.setAttribute("y", y - radius * 1.1);
      label.setAttribute("font-size", radius * 1.6);
      label.style.fill = model.get("colour");
      label.textContent = String(i + 1);
      svg.append(ring, dot, label);
    });
  }

  function at(event) {
    const r = img.getBoundingClientRect();
    const [w, h] = size();
    const x = ((event.clientX - r.left) / r.width) * w - 0.5;
    const y = ((event.clientY - r.top) / r.height) * h - 0.5;
    return [Math.min(Math.max(x, -0.5), w - 0.5), Math.min(Math.max(y, -0.5), h - 0.5)];
  }

  function nearest(list, [x, y], within) {
    let best = -1;
    let distance = within;
    list.forEach(([px, py], i) => {
      const d = Math.hypot(px - x, py - y);
      if (d <= distance) {
        best = i;
        distance = d;
      }
    });
    return best;
  }

  function save(list) {
    model.set("points", list.map(([x, y]) => [x, y]));
    model.save_changes();
  }

  box.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const [w, h] = size();
    const p = at(event);
    const list = model.get("points").map((q) => q.slice());
    let index = nearest(list, p, Math.max(w, h) / 30);
    if (index < 0 && list.length < model.get("max_points")) {
      list.push(p);
      index = list.length - 1;
    } else if (index < 0) {
      index = nearest(list, p, Infinity); // all placed: the nearest one jumps here
      list[index] = p;
    }
    local = list;
    dragging = index;
    box.setPointerCapture(event.pointerId);
    event.preventDefault();
    draw();
  });
  box.addEventListener("pointermove", (event) => {
    if (dragging === null) return;
    local[dragging] = at(event);
    draw();
  });
  const finish = () => {
    if (dragging === null) return;
    const list = local;
    local = null;
    dragging = null;
    save(list);
    draw();
  };
  box.addEventListener("pointerup", finish);
  box.addEventListener("pointercancel", finish);
  box.addEventListener("contextmenu", (event) => {
    const [w, h] = size();
    const list = model.get("points").map((q) => q.slice());
    const index = nearest(list, at(event), Math.max(w, h) / 30);
    if (index < 0) return;
    event.preventDefault(); // a right click on a point removes it
    list.splice(index, 1);
    save(list);
  });

  model.on("change:image", showImage);
  model.on("change:width", showImage);
  model.on("change:height", showImage);
  model.on("change:points", draw);
  model.on("change:colour", draw);
  showImage();
  return () => {
    if (url) URL.revokeObjectURL(url);
  };
}

export default { render };
