print("webnn")
