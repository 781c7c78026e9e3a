-- :AccordTimeline — every article that mentions the entity under the cursor, oldest
-- first across the workspace's files, in the quickfix list. The server answers
-- `accord/entityTimeline` with one entry per article: the first mention's range, the
-- article's title and date (or null), and how often the article mentions the entity.
local M = {}

M.method = 'accord/entityTimeline'

--- `2026-03-04 · Title · 3 mentions`, or `undated · Title · 1 mention`.
function M.entry_text(entry)
  local date = type(entry.date) == 'string' and entry.date or 'undated'
  local title = type(entry.title) == 'string' and vim.trim(entry.title) or ''
  if title == '' then
    title = '(untitled article)'
  end
  local count = tonumber(entry.mentions) or 0
  return ('%s · %s · %d %s'):format(date, title, count, count == 1 and 'mention' or 'mentions')
end

--- Quickfix items for the entries, in the server's order (oldest first), with line and
--- column converted from the client's position encoding. Entries without a URI or a
--- range are skipped.
function M.items(entries, encoding)
  local items = {}
  for _, entry in ipairs(entries or {}) do
    if type(entry) == 'table' and type(entry.uri) == 'string' and type(entry.range) == 'table' then
      -- One location at a time: locations_to_items groups and sorts by file, which
      -- would lose the order by date.
      local item = vim.lsp.util.locations_to_items({ { uri = entry.uri, range = entry.range } }, encoding)[1]
      if item then
        item.text = M.entry_text(entry)
        item.user_data = entry
        items[#items + 1] = item
      end
    end
  end
  return items
end

--- The text of the document highlight (a mention of the entity in this buffer) that
--- holds the position, or nil.
local function highlight_text(bufnr, highlights, position, encoding)
  for _, highlight in ipairs(highlights or {}) do
    local range = highlight.range
    local s, e = range.start, range['end']
    local after_start = s.line < position.line or (s.line == position.line and s.character <= position.character)
    local before_end = e.line > position.line or (e.line == position.line and e.character >= position.character)
    if after_start and before_end and s.line == e.line then
      local line = vim.api.nvim_buf_get_lines(bufnr, s.line, s.line + 1, false)[1] or ''
      local from = vim.str_byteindex(line, encoding, s.character, false)
      local to = vim.str_byteindex(line, encoding, e.character, false)
      local text = vim.trim(line:sub(from + 1, to))
      if text ~= '' then
        return text
      end
    end
  end
  return nil
end

--- Asks the accord client of the current buffer for the timeline of the entity at the
--- cursor and shows it in the quickfix list. `on_done(items)` runs when the list is set
--- (or with an empty table when there is nothing to show).
function M.show(on_done)
  on_done = on_done or function() end
  local bufnr = vim.api.nvim_get_current_buf()
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'accord' })[1]
  if not client then
    vim.notify('accord: no accord language server is attached to this buffer', vim.log.levels.ERROR)
    on_done({})
    return
  end
  local encoding = client.offset_encoding or 'utf-16'
  local params = vim.lsp.util.make_position_params(0, encoding)
  local word = vim.fn.expand('<cword>')
  client:request(M.method, params, function(err, result)
    if err then
      vim.notify('accord: entity timeline: ' .. tostring(err.message), vim.log.levels.ERROR)
      on_done({})
      return
    end
    local items = M.items(result, encoding)
    if #items == 0 then
      vim.notify('accord: no entity at the cursor', vim.log.levels.INFO)
      on_done({})
      return
    end
    -- The entity's own text at the cursor names the list; the word there if the server
    -- gives no highlight.
    client:request('textDocument/documentHighlight', params, function(_, highlights)
      local entity = vim.api.nvim_buf_is_valid(bufnr) and highlight_text(bufnr, highlights, params.position, encoding)
      if not entity or entity == '' then
        entity = word ~= '' and word or 'entity'
      end
      vim.fn.setqflist({}, ' ', { title = 'accord timeline: ' .. entity, items = items })
      vim.cmd.copen()
      on_done(items)
    end, bufnr)
  end, bufnr)
end

return M
