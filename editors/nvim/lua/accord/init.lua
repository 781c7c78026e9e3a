-- accord for Neovim 0.11+: the tree-sitter parser of article files (build and
-- registration), highlighting and folds from the grammar's queries, reading mode (tag
-- markup concealed, and dimmed where it shows), the server attached to a workspace's
-- accord.toml and knowledge-base files, and the nvim-lspconfig form of the server
-- configuration. The server configuration itself is lsp/accord.lua, for
-- vim.lsp.config/vim.lsp.enable.
local M = {}

--- This plugin's folder (editors/nvim).
local plugin_dir = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h')

M.options = {
  -- The grammar sources: `grammar/` of the accord repository this plugin lives in.
  grammar_dir = vim.fs.normalize(plugin_dir .. '/../../grammar'),
  -- Where :AccordBuildParser writes the library. `site/parser` of the data folder is on
  -- 'runtimepath', so Neovim finds the parser there on its own too.
  parser_path = vim.fs.joinpath(vim.fn.stdpath('data'), 'site', 'parser', 'article.so'),
  -- The C compiler; $CC when set.
  cc = vim.env.CC or 'cc',
  -- Tree-sitter highlighting and folds in article buffers when the parser is there.
  highlight = true,
  folds = true,
  -- Reading mode: tag markup (`[`, `]` and `{type key=value}`) is concealed in windows
  -- showing articles ('conceallevel' 2), except on the cursor line, so an annotated
  -- article reads as prose. :AccordReadingMode toggles it.
  reading_mode = true,
  -- The highlight group the server's tag markup tokens (`@lsp.mod.tagSyntax`) link to,
  -- so markup is dimmed where it is not concealed; false leaves them alone.
  markup_hl = 'Comment',
}

--- The plugin's folder, which holds lsp/, queries/ and lua/.
function M.plugin_dir()
  return plugin_dir
end

--- The command that builds the parser library from the committed generated sources.
function M.build_command(opts)
  opts = vim.tbl_extend('force', M.options, opts or {})
  local src = vim.fs.joinpath(opts.grammar_dir, 'src')
  return {
    opts.cc, '-shared', '-fPIC', '-O2', '-I', src,
    vim.fs.joinpath(src, 'parser.c'), vim.fs.joinpath(src, 'scanner.c'),
    '-o', opts.parser_path,
  }
end

--- Builds the parser library (synchronously: a few seconds) and registers it.
--- Returns true, or false and the compiler's message.
function M.build_parser(opts)
  opts = vim.tbl_extend('force', M.options, opts or {})
  if vim.fn.filereadable(vim.fs.joinpath(opts.grammar_dir, 'src', 'parser.c')) == 0 then
    return false, 'no grammar sources in ' .. opts.grammar_dir .. ' (set grammar_dir in setup())'
  end
  vim.fn.mkdir(vim.fs.dirname(opts.parser_path), 'p')
  local result = vim.system(M.build_command(opts), { text = true }):wait()
  if result.code ~= 0 then
    return false, (result.stderr ~= '' and result.stderr or ('exit status ' .. result.code))
  end
  M.options.parser_path = opts.parser_path
  return M.register_parser()
end

--- Registers the parser library with Neovim for the `article` filetype.
--- Returns true, or false and why not.
function M.register_parser()
  local path = M.options.parser_path
  if vim.fn.filereadable(path) == 0 then
    return false, 'no parser at ' .. path .. ' (run :AccordBuildParser)'
  end
  local ok, loaded, err = pcall(vim.treesitter.language.add, 'article', { path = path })
  if not ok or not loaded then
    return false, tostring(ok and err or loaded)
  end
  vim.treesitter.language.register('article', 'article')
  return true
end

--- Starts tree-sitter highlighting and folds in an article buffer.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not pcall(vim.treesitter.language.inspect, 'article') then
    return false
  end
  if M.options.highlight then
    pcall(vim.treesitter.start, bufnr, 'article')
  end
  if M.options.folds then
    for _, win in ipairs(vim.fn.win_findbuf(bufnr)) do
      vim.wo[win][0].foldmethod = 'expr'
      vim.wo[win][0].foldexpr = 'v:lua.vim.treesitter.foldexpr()'
      vim.wo[win][0].foldlevel = 99
    end
  end
  return true
end

--- Whether a buffer holds an article.
local function is_article(bufnr)
  return vim.api.nvim_buf_is_valid(bufnr) and vim.bo[bufnr].filetype == 'article'
end

--- Sets the conceal options of one window showing an article, for that buffer only
--- (like :setlocal), so another buffer shown in the window later keeps its own. The
--- cursor line shows its markup ('concealcursor' empty) so that tags can be edited.
function M.apply_reading_mode(win)
  if not vim.api.nvim_win_is_valid(win) or not is_article(vim.api.nvim_win_get_buf(win)) then
    return
  end
  if M.options.reading_mode then
    vim.wo[win][0].conceallevel = 2
    vim.wo[win][0].concealcursor = ''
  else
    vim.wo[win][0].conceallevel = 0
  end
end

--- Turns reading mode on (true), off (false) or over (nil) in every window showing an
--- article. Returns the new state.
function M.reading_mode(enable)
  if enable == nil then
    enable = not M.options.reading_mode
  end
  M.options.reading_mode = enable
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    M.apply_reading_mode(win)
  end
  return enable
end

--- Links the server's tag markup modifier to `markup_hl` unless the colour scheme or the
--- user already gives it a highlight.
function M.link_markup()
  if M.options.markup_hl then
    for _, group in ipairs({ '@lsp.mod.tagSyntax', '@lsp.mod.tagSyntax.article' }) do
      vim.api.nvim_set_hl(0, group, { link = M.options.markup_hl, default = true })
    end
  end
end

--- Whether `path` is a file the server reads as configuration or knowledge base of the
--- workspace folder `root`: an accord.toml, or a TOML file under a `kb/` folder in it
--- (what VS Code sends: `**/accord.toml`, `**/kb/**/*.toml`). Other TOML files, such as
--- Cargo.toml, would load as knowledge bases.
local function is_workspace_toml(path, root)
  local relative = vim.fs.relpath(root, path)
  if not relative or not vim.endswith(relative, '.toml') then
    return false
  end
  local parts = vim.split(relative, '/', { plain = true })
  return parts[#parts] == 'accord.toml' or vim.list_contains(vim.list_slice(parts, 1, #parts - 1), 'kb')
end

--- Attaches each running accord client whose workspace holds a buffer's file to it when
--- that file is the workspace's accord.toml or a knowledge-base file, so that the
--- server sees their unsaved text, including the files its code actions create.
function M.attach_toml(bufnr)
  if not vim.api.nvim_buf_is_loaded(bufnr) or vim.bo[bufnr].buftype ~= '' then
    return
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if not vim.endswith(name, '.toml') then
    return
  end
  local path = vim.fs.normalize(vim.fn.fnamemodify(name, ':p'))
  for _, client in ipairs(vim.lsp.get_clients({ name = 'accord' })) do
    local roots = { client.root_dir }
    for _, folder in ipairs(client.workspace_folders or {}) do
      roots[#roots + 1] = vim.uri_to_fname(folder.uri)
    end
    for _, root in ipairs(roots) do
      if is_workspace_toml(path, vim.fs.normalize(root)) then
        vim.lsp.buf_attach_client(bufnr, client.id)
        break
      end
    end
  end
end

--- The nvim-lspconfig form of lsp/accord.lua, for
--- `require('lspconfig.configs').accord = { default_config = require('accord').lspconfig() }`.
function M.lspconfig()
  local config = dofile(vim.fs.joinpath(plugin_dir, 'lsp', 'accord.lua'))
  return {
    cmd = config.cmd,
    filetypes = config.filetypes,
    root_dir = function(fname)
      return vim.fs.root(fname, config.root_markers)
    end,
    commands = config.commands,
    single_file_support = true,
  }
end

--- Sets options, registers the parser when it is built, and attaches to article
--- buffers as they open.
function M.setup(opts)
  M.options = vim.tbl_extend('force', M.options, opts or {})
  M.register_parser()
  M.link_markup()
  local group = vim.api.nvim_create_augroup('accord', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'article',
    callback = function(args)
      M.attach(args.buf)
      for _, win in ipairs(vim.fn.win_findbuf(args.buf)) do
        M.apply_reading_mode(win)
      end
    end,
  })
  -- An article shown in another window, or again in a window, gets reading mode there too.
  vim.api.nvim_create_autocmd('BufWinEnter', {
    group = group,
    callback = function(args)
      if is_article(args.buf) then
        for _, win in ipairs(vim.fn.win_findbuf(args.buf)) do
          M.apply_reading_mode(win)
        end
      end
    end,
  })
  -- A colour scheme clears highlight groups: link the markup again.
  vim.api.nvim_create_autocmd('ColorScheme', { group = group, callback = M.link_markup })
  -- The client's filetypes are articles only, so configuration and knowledge-base files
  -- are attached here as they open or are created (a code action's workspace edit loads
  -- them with bufadd and bufload). Scheduled: vim.lsp.enable detaches clients whose
  -- filetypes a buffer lacks on each FileType, which may come after these events.
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile', 'BufAdd', 'FileType' }, {
    group = group,
    callback = function(args)
      vim.schedule(function()
        M.attach_toml(args.buf)
      end)
    end,
  })
  -- A client that starts after such files opened attaches to them too.
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == 'accord' then
        for _, buf in ipairs(vim.api.nvim_list_bufs()) do
          M.attach_toml(buf)
        end
      end
    end,
  })
end

return M
