-- The accord language server for Neovim 0.11+: `vim.lsp.enable('accord')` with this
-- folder on 'runtimepath' starts `accord lsp` for article files.
---@type vim.lsp.Config
return {
  cmd = { 'accord', 'lsp' },
  filetypes = { 'article' },
  -- A workspace is the folder of the nearest accord.toml, else the repository.
  root_markers = { 'accord.toml', '.git' },
  commands = {
    -- A code lens counts an entity's mentions; running it lists them in the quickfix
    -- list. Arguments: the document URI, the lens position, the mentions' locations.
    ['accord.showReferences'] = function(command, ctx)
      local locations = command.arguments and command.arguments[3] or {}
      local client = vim.lsp.get_client_by_id(ctx.client_id)
      local encoding = client and client.offset_encoding or 'utf-16'
      local items = vim.lsp.util.locations_to_items(locations, encoding)
      vim.fn.setqflist({}, ' ', { title = command.title, items = items })
      if #items > 0 then
        vim.cmd.copen()
      end
    end,
  },
}
