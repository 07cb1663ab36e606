"""Makes the 224x224 colour test photo of the render tests: data/photos/chelsea.png as torchvision's ImageNet
preprocessing sees it (transforms.Resize(256) then CenterCrop(224) on the PIL image: shorter side to 256, bilinear
with PIL's antialiasing, centre crop), saved as an 8-bit RGB PNG so its pixels / 255 are exactly the X the tests
explain.

Run from the repository root:  /usr/bin/python3 tools/views/crop_photo.py
"""
from PIL import Image
from torchvision import transforms

SOURCE = "data/photos/chelsea.png"
TARGET = "tools/views/chelsea-224.png"

pipeline = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224)])
pipeline(Image.open(SOURCE).convert("RGB")).save(TARGET)
print("wrote", TARGET)
