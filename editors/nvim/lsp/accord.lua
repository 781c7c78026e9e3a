-- The accord language server for Neovim 0.11+: `vim.lsp.enable('accord')` with this
-- folder on 'runtimepath' starts `accord lsp` for article files.
---@type vim.lsp.Config
return {
  cmd = { 'accord', 'lsp' },
  filetypes = { 'article' },
  -- A workspace is the folder of the nearest accord.toml, else the repository.
  root_markers = { 'accord.toml', '.git' },
  -- When what other files say changes an article's diagnostics (a knowledge-base entry
  -- typed, a configuration reloaded), the server asks the editor to pull them again.
  capabilities = {
    workspace = { diagnostics = { refreshSupport = true } },
  },
  handlers = {
    ['workspace/diagnostic/refresh'] = function(_, _, ctx)
      local client = vim.lsp.get_client_by_id(ctx.client_id)
      if client then
        for bufnr in pairs(client.attached_buffers) do
          if vim.api.nvim_buf_is_loaded(bufnr) then
            client:request('textDocument/diagnostic', {
              textDocument = vim.lsp.util.make_text_document_params(bufnr),
            }, nil, bufnr)
          end
        end
      end
      return vim.NIL
    end,
  },
  commands = {
    -- A code lens counts an entity's mentions; running it lists them in the quickfix
    -- list. Arguments: the document URI and the position of a mention of the entity.
    -- The mentions are asked of the server when the lens runs: lenses carry no lists.
    ['accord.showReferences'] = function(command, ctx)
      local arguments = command.arguments or {}
      local client = vim.lsp.get_client_by_id(ctx.client_id)
      if not client then
        return
      end
      local function show(locations)
        local items = vim.lsp.util.locations_to_items(locations or {}, client.offset_encoding or 'utf-16')
        vim.fn.setqflist({}, ' ', { title = command.title, items = items })
        if #items > 0 then
          vim.cmd.copen()
        end
      end
      if arguments[3] then
        show(arguments[3])
        return
      end
      local params = {
        textDocument = { uri = arguments[1] },
        position = arguments[2],
        context = { includeDeclaration = true },
      }
      vim.lsp.buf_request(ctx.bufnr, 'textDocument/references', params, function(err, result)
        if err then
          vim.notify('accord: ' .. tostring(err.message), vim.log.levels.WARN)
          return
        end
        show(result)
      end)
    end,
  },
}
