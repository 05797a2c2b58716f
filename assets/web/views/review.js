// Preview review: a picture, or a movie with play/pause, frame stepping (buttons and the
// keyboard: space, left, right), scrubbing with the tile sheet, and two revisions side by side.
import { useEffect, useRef, useState } from "preact/hooks";
import { get, mediaUrl } from "../api.js";
import { ErrorNote, html, Icon, Loading, MediaImage, useMediaSrc } from "./common.js";

const TILE_COLUMNS = 8; // Zou's sprite: 8 cells a row, 100 px high, every n-th frame
const TILE_HEIGHT = 100;
const TILE_CELLS = TILE_COLUMNS * 480;

export function ReviewView({ previewId, query }) {
  const [state, setState] = useState(null);
  const [error, setError] = useState(null);
  const [compareId, setCompareId] = useState(query.get("compare") || "");
  useEffect(() => {
    (async () => {
      const preview = await get(`/data/preview-files/${previewId}`);
      const [task, revisions] = await Promise.all([
        get(`/data/tasks/${preview.task_id}/full`),
        get(`/data/tasks/${preview.task_id}/previews`),
      ]);
      setState({ preview, task, revisions });
    })().catch(setError);
  }, [previewId]);

  if (error) return html`<${ErrorNote} error=${error} />`;
  if (!state) return html`<${Loading} what="Loading the preview" />`;
  const { preview, task, revisions } = state;
  const fps = parseFloat(task.project.fps) || 25;
  const other = revisions.find((item) => item.id === compareId);
  const shown = other ? [preview, other] : [preview];
  return html`
    <header class="review-header">
      <p class="breadcrumb"><a href=${`#/tasks/${task.id}`}>${task.entity.name} · ${task.task_type.name}</a></p>
      <h1>Revision ${preview.revision}${other ? ` and ${other.revision}` : ""}</h1>
      <label>Compare with
        <select name="compare" value=${compareId} onChange=${(e) => setCompareId(e.target.value)}>
          <option value="">No comparison</option>
          ${revisions
            .filter((item) => item.id !== preview.id && item.status === "ready")
            .map((item) => html`<option value=${item.id}>Revision ${item.revision}</option>`)}
        </select></label>
    </header>
    ${
      preview.status !== "ready"
        ? html`<p class="muted" data-preview-status=${preview.status}>This preview is ${preview.status}.</p>`
        : preview.extension === "mp4"
          ? html`<${MovieReview} previews=${shown} fps=${fps} />`
          : html`<div class=${shown.length > 1 ? "side-by-side" : ""}>
            ${shown.map(
              (item) => html`<figure class="picture-review">
              <${MediaImage} url=${mediaUrl.picture(item.id)} alt=${`Revision ${item.revision}`} />
              <figcaption>Revision ${item.revision}</figcaption></figure>`,
            )}
          </div>`
    }`;
}

function MovieReview({ previews, fps }) {
  const videos = useRef([]);
  const [playing, setPlaying] = useState(false);
  const [frame, setFrame] = useState(0);
  const [frames, setFrames] = useState(Math.max(1, Math.round((previews[0].duration || 0) * fps)));
  const [hover, setHover] = useState(null); // {frame, x} while the pointer is over the bar
  const tiles = useTiles(previews[0]);
  const main = () => videos.current[0];
  const all = () => videos.current.filter(Boolean);

  const seek = (target) => {
    const clamped = Math.max(0, Math.min(frames - 1, target));
    for (const video of all()) video.currentTime = (clamped + 0.5) / fps;
    setFrame(clamped);
  };
  const toggle = () => {
    const video = main();
    if (!video) return;
    if (video.paused)
      all().forEach((item) => item.play().catch(() => {})); // a pause may cut it short
    else all().forEach((item) => item.pause());
  };
  const step = (delta) => {
    all().forEach((item) => item.pause());
    seek(currentFrame() + delta);
  };
  const currentFrame = () => Math.floor((main() ? main().currentTime : 0) * fps + 1e-3);

  useEffect(() => {
    const keys = (event) => {
      if (event.target.closest("input, textarea, select")) return;
      if (event.key === " " && !event.target.closest("button")) {
        event.preventDefault();
        toggle();
      } else if (event.key === "ArrowLeft") {
        event.preventDefault();
        step(-1);
      } else if (event.key === "ArrowRight") {
        event.preventDefault();
        step(1);
      }
    };
    addEventListener("keydown", keys);
    return () => removeEventListener("keydown", keys);
  });

  const onMeta = (event) => {
    if (event.target === main()) setFrames(Math.max(1, Math.round(event.target.duration * fps)));
  };
  const tick = (event) => {
    if (event.target === main()) setFrame(currentFrame());
  };
  const hovered = (event) => {
    const box = event.currentTarget.getBoundingClientRect();
    const fraction = Math.max(0, Math.min(1, (event.clientX - box.left) / box.width));
    setHover({
      frame: Math.min(frames - 1, Math.floor(fraction * frames)),
      x: event.clientX - box.left,
    });
  };

  return html`
    <div class=${previews.length > 1 ? "side-by-side" : ""}>
      ${previews.map(
        (preview, index) => html`<figure class="movie-review" key=${preview.id}>
        <${Movie} preview=${preview} setRef=${(element) => {
          videos.current[index] = element;
        }}
          muted=${index > 0} testId=${index ? "compare-video" : "movie"}
          onLoadedMetadata=${onMeta} onTimeUpdate=${tick} onSeeked=${tick}
          onPlay=${() => index === 0 && setPlaying(true)} onPause=${() => index === 0 && setPlaying(false)}
          onEnded=${() => index === 0 && setPlaying(false)} onClick=${toggle} />
        <figcaption>Revision ${preview.revision}</figcaption>
      </figure>`,
      )}
    </div>
    <div class="player-controls" role="group" aria-label="Player">
      <button type="button" onClick=${() => step(-1)} aria-label="Previous frame" title="Previous frame (Left)">
        <${Icon} name="prev" /></button>
      <button type="button" onClick=${toggle} aria-label=${playing ? "Pause" : "Play"}
        title="Play / pause (Space)" data-testid="play-pause"><${Icon} name=${playing ? "pause" : "play"} /></button>
      <button type="button" onClick=${() => step(1)} aria-label="Next frame" title="Next frame (Right)">
        <${Icon} name="next" /></button>
      <span class="frame-counter" data-testid="frame" aria-live="off">Frame ${frame + 1} / ${frames}</span>
      <div class="scrub" onMouseMove=${hovered} onMouseLeave=${() => setHover(null)}>
        <input type="range" min="0" max=${frames - 1} value=${frame} aria-label="Frame"
          onInput=${(e) => {
            all().forEach((item) => item.pause());
            seek(Number(e.target.value));
          }} />
        ${hover && tiles && html`<${TileHover} tiles=${tiles} frame=${hover.frame} frames=${frames} x=${hover.x} />`}
      </div>
    </div>
    <p class="muted">Keys: Space play / pause, Left and Right one frame.</p>`;
}

function Movie({ preview, setRef, testId, ...handlers }) {
  const src = useMediaSrc(mediaUrl.movie(preview.id));
  return html`<video ref=${setRef} src=${src || undefined} preload="auto" playsinline
    data-testid=${testId} ...${handlers}></video>`;
}

/** The tile sheet's URL and cell width (from its natural size), or null while it loads or when
 * the movie has none. */
function useTiles(preview) {
  const src = useMediaSrc(mediaUrl.tiles(preview.id));
  const [tiles, setTiles] = useState(null);
  useEffect(() => {
    if (!src) return;
    const image = new Image();
    image.onload = () => setTiles({ src, cell: image.naturalWidth / TILE_COLUMNS });
    image.src = src;
  }, [src]);
  return tiles;
}

function TileHover({ tiles, frame, frames, x }) {
  const { cell, src } = tiles;
  const index = Math.floor(frame / Math.max(1, Math.ceil(frames / TILE_CELLS)));
  const row = Math.floor(index / TILE_COLUMNS);
  const column = index % TILE_COLUMNS;
  return html`<div class="tile-hover" data-testid="tile" style=${{
    left: `${x - cell / 2}px`,
    width: `${cell}px`,
    height: `${TILE_HEIGHT}px`,
    backgroundImage: `url(${src})`,
    backgroundPosition: `-${column * cell}px -${row * TILE_HEIGHT}px`,
  }}><span>${frame + 1}</span></div>`;
}
